// One account for the app: Durable Functions state (queues and tables), the batch intake and
// report containers, and the deployment package. Shared-key access is off.
param name string
param location string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in [
  'deployments', 'migration-batches', 'migration-batches-processed', 'migration-reports'
]: {
  parent: blobService
  name: container
}]

output name string = account.name
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}deployments'
