// Tests use the lab's process and PostgreSQL management directly (one implementation for
// `dbtunnel lab` and the tests).
@_exported import Lab
