import MSRNetwork

Evaluate.main()
