// Flex Consumption Function App (Node 20). Storage is reached with the user-assigned identity
// through the AzureWebJobsStorage__* settings; secrets come from Key Vault references to secrets the
// deployment writes (keyvault.bicep), so none resolves to a literal string.
param name string
param location string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param keyVaultName string
param keyVaultUri string
param appInsightsConnectionString string
param graphTenantId string
param graphClientId string
@description('Mailbox that sends the status emails (Mail.Send application permission).')
param notificationSender string
@allowed(['synced', 'authoritativeNull'])
param entraConnectMailboxGuid string
@allowed(['ldap', 'none'])
param onPremDirectory string
@description('ldap:// or ldaps:// URL of the on-premises Active Directory; empty with onPremDirectory none.')
param onPremLdapUrl string
param onPremLdapBindDn string
param onPremLdapBaseDn string
@description('True when keyvault.bicep wrote the ldap-bind-password secret.')
param hasLdapBindPassword bool
@description('Resource id of an existing subnet delegated to Microsoft.App/environments, in a virtual network that reaches on-premises (site-to-site VPN or ExpressRoute); empty: no VNet integration.')
param subnetId string
@description('azd finds the app to deploy by its azd-service-name tag.')
param tags object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

var vaultReference = '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName='

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identityId}': {} } }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Flex Consumption joins a virtual network through a subnet delegated to Microsoft.App/environments
    // (Azure-Samples/azure-functions-flex-consumption-samples): the only way to reach on-premises IMAP and LDAP.
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      // One instance always ready for the Durable Functions group, so orchestrations and activities
      // are picked up without waiting for a scale-out from zero.
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048, alwaysReady: [{ name: 'durable', instanceCount: 1 }] }
      runtime: { name: 'node', version: '20' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        // Local auth is off on the component: telemetry goes with the identity (Monitoring Metrics Publisher).
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'TASKHUB_NAME', value: 'StagedMigration' }
        { name: 'MIGRATION_INTAKE_CONTAINER', value: 'migration-batches' }
        { name: 'MIGRATION_PROCESSED_CONTAINER', value: 'migration-batches-processed' }
        { name: 'MIGRATION_REPORTS_CONTAINER', value: 'migration-reports' }
        { name: 'NOTIFICATION_QUEUE', value: 'notification-outbox' }
        { name: 'NOTIFICATION_SENDER', value: notificationSender }
        { name: 'SECRETS_PROVIDER', value: 'keyvault' }
        { name: 'KEY_VAULT_URL', value: keyVaultUri }
        { name: 'MIGRATION_ENCRYPTION_KEY', value: '${vaultReference}migration-encryption-key)' }
        { name: 'GRAPH_TENANT_ID', value: graphTenantId }
        { name: 'GRAPH_CLIENT_ID', value: graphClientId }
        { name: 'GRAPH_CLIENT_SECRET', value: '${vaultReference}graph-client-secret)' }
        { name: 'ENTRA_CONNECT_MAILBOX_GUID', value: entraConnectMailboxGuid }
        { name: 'ONPREM_DIRECTORY', value: onPremDirectory }
        { name: 'ONPREM_LDAP_URL', value: onPremLdapUrl }
        { name: 'ONPREM_LDAP_BIND_DN', value: onPremLdapBindDn }
        { name: 'ONPREM_LDAP_BASE_DN', value: onPremLdapBaseDn }
        { name: 'ONPREM_LDAP_BIND_PASSWORD', value: hasLdapBindPassword ? '${vaultReference}ldap-bind-password)' : '' }
      ]
    }
  }
}

output name string = site.name
