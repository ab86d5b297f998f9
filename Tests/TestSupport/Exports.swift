// Tests use the lab's process and PostgreSQL management directly (one implementation for
// `dbtunnel lab` and the tests), and the same built-in clients as the scenario runner.
@_exported import DBClients
@_exported import Lab
