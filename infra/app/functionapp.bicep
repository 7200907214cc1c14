// Flex Consumption Function App (Node 20). Storage is reached with the user-assigned identity
// through the AzureWebJobsStorage__* settings; secrets come from Key Vault references.
param name string
param location string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param keyVaultUri string
param appInsightsConnectionString string
param graphTenantId string
param graphClientId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identityId}': {} } }
  properties: {
    serverFarmId: plan.id
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048 }
      runtime: { name: 'node', version: '20' }
    }
    siteConfig: {
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'TASKHUB_NAME', value: 'StagedMigration' }
        { name: 'MIGRATION_INTAKE_CONTAINER', value: 'migration-batches' }
        { name: 'SECRETS_PROVIDER', value: 'keyvault' }
        { name: 'KEY_VAULT_URL', value: keyVaultUri }
        // The CSV password key is a Key Vault secret the administrator creates once (32 random bytes, base64).
        { name: 'MIGRATION_ENCRYPTION_KEY', value: '@Microsoft.KeyVault(VaultName=${split(split(keyVaultUri, '//')[1], '.')[0]};SecretName=migration-encryption-key)' }
        { name: 'GRAPH_TENANT_ID', value: graphTenantId }
        { name: 'GRAPH_CLIENT_ID', value: graphClientId }
      ]
    }
  }
}

output name string = site.name
