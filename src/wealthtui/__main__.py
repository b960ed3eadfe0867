from wealthtui.cli import main

main()
