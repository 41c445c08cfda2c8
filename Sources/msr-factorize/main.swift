import MSRNetwork

Factorize.main()
