// Deployed by the azd postdeploy hook (infra/hooks/postdeploy.sh), once the app's code runs: subscribes the
// app's blobs webhook to BlobCreated events of the intake container, as Flex Consumption's Event Grid blob
// trigger needs (Azure-Samples/functions-e2e-blob-pdf-to-text does the same after deployment).
targetScope = 'resourceGroup'

@description('The storage account\'s Event Grid system topic (main.bicep output eventGridTopicName).')
param systemTopicName string

@description('https://<app>/runtime/webhooks/blobs?functionName=Host.Functions.batchIntakeBlob&code=<blobs_extension key>')
@secure()
param webhookEndpoint string

@description('The intake container.')
param intakeContainer string = 'migration-batches'

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'batch-intake'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: { endpointUrl: webhookEndpoint }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${intakeContainer}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
  }
}
