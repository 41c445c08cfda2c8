import MSRService

await MSRServe.start()
