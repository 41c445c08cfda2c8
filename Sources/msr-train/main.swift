import MSRCLI

Train.main()
