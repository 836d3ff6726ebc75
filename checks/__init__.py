"""Built-in checks, registered through the agent_ready.checks entry-point group."""
