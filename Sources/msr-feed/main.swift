import MSRCLI

Feed.main()
