from agent_ready.cli import run

run()
