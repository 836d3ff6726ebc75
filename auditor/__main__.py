from agent_ready.cli import main

main()
