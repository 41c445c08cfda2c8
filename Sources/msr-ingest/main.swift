import MSRNetwork

Ingest.main()
