"""The command line: argument parsing, I/O and exit codes."""
