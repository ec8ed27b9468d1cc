from opswizard.cli import main

main()
