#ifndef DBTUNNEL_CSPAWNSHIMS_H
#define DBTUNNEL_CSPAWNSHIMS_H

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+), which Swift's Glibc module does not
/// show (it needs _GNU_SOURCE): the spawned program gets no descriptor from `from` up.
/// `actions` is a posix_spawn_file_actions_t *. Returns 0 or an errno value.
int dbtunnel_spawn_add_closefrom(void *actions, int from);

#endif
