import MSRCLI

Transform.main()
