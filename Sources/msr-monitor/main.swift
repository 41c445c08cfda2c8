import MSRCLI

Monitor.main()
