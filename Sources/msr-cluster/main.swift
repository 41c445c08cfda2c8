import MSRNetwork

Cluster.main()
