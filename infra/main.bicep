// Azure deployment of the staged mailbox migration service: a Flex Consumption Function App with a
// user-assigned identity, its storage account (blobs, queues and tables: Durable Functions needs all
// three), Key Vault for endpoint credentials and the CSV password key, and Application Insights.
// No shared keys: the app reaches storage and Key Vault with its identity (see rbac.bicep).
targetScope = 'resourceGroup'

@description('Short name used to derive resource names.')
@minLength(3)
@maxLength(16)
param appName string

param location string = resourceGroup().location

@description('Microsoft Entra tenant of the target Microsoft 365 organisation.')
param graphTenantId string

@description('Application (client) id of the app registration with Graph application permissions.')
param graphClientId string

var suffix = uniqueString(resourceGroup().id, appName)

module identity 'app/identity.bicep' = {
  name: 'identity'
  params: { name: 'id-${appName}-${suffix}', location: location }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: { name: toLower('st${take(appName, 8)}${take(suffix, 10)}'), location: location }
}

module vault 'app/keyvault.bicep' = {
  name: 'keyvault'
  params: { name: 'kv-${take(appName, 8)}-${take(suffix, 8)}', location: location }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: { name: 'appi-${appName}-${suffix}', location: location }
}

module functionApp 'app/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: 'func-${appName}-${suffix}'
    location: location
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    keyVaultUri: vault.outputs.uri
    appInsightsConnectionString: monitoring.outputs.connectionString
    graphTenantId: graphTenantId
    graphClientId: graphClientId
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
  }
}

output functionAppName string = functionApp.outputs.name
output keyVaultUri string = vault.outputs.uri
