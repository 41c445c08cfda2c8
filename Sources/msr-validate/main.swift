import MSRCLI

Validate.main()
