from wealthtui.launch import main

main()
