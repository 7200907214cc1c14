// The Event Grid system topic of the storage account. Flex Consumption runs blob triggers only from Event
// Grid: the subscription that delivers the intake container's BlobCreated events to the app's blobs webhook
// is made after the code is deployed (infra/eventSubscription.bicep, by the azd postdeploy hook), because
// the webhook's key (blobs_extension) exists only once the app has started with its blob trigger.
param storageAccountName string
param location string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: 'evgt-${storageAccountName}'
  location: location
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
