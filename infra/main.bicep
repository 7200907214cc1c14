// Azure deployment of the staged mailbox migration service: a Flex Consumption Function App with a
// user-assigned identity, its storage account (blobs, queues and tables: Durable Functions needs all
// three), Key Vault for endpoint credentials and the CSV password key, and Application Insights.
// No shared keys: the app reaches storage and Key Vault with its identity (see rbac.bicep).
targetScope = 'resourceGroup'

@description('Short name used to derive resource names (letters, digits and hyphens).')
@minLength(3)
@maxLength(16)
param appName string

// Every resource goes to this region, and the Flex Consumption plan exists only in some. The list is the one
// Microsoft's Flex Consumption azd templates allow for their location parameter (Azure-Samples/
// functions-quickstart-typescript-azd and functions-quickstart-javascript-azd, infra/main.bicep); Microsoft
// documents no fixed list, only the command that gives the current one, `az functionapp
// list-flexconsumption-locations --query "sort_by(@, &name)[].name" -o tsv`
// (https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#view-currently-supported-regions).
// Regions are added over time: add one here when that command lists it. azd offers only these regions when
// AZURE_LOCATION is unset (type 'location' below), and ARM refuses any other value before deploying anything.
@description('Region of every resource: one where Flex Consumption is available.')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'eastus2euap'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({ azd: { type: 'location' } })
param location string

@description('Microsoft Entra tenant of the target Microsoft 365 organisation.')
param graphTenantId string

@description('Application (client) id of the app registration with Graph application permissions.')
param graphClientId string

@secure()
@description('A client secret of that app registration; written to Key Vault as graph-client-secret.')
param graphClientSecret string

@secure()
@description('32 random bytes, base64, that seal CSV passwords; set once (the azd hook generates it) and kept: a new one makes sealed passwords unreadable.')
param encryptionKey string

@description('Mailbox that sends the status emails.')
param notificationSender string

@description('synced (Entra Connect syncs msExchMailboxGuid, its default) or authoritativeNull (an inbound rule nulls it).')
@allowed(['synced', 'authoritativeNull'])
param entraConnectMailboxGuid string = 'synced'

@description('ldap: the on-premises Active Directory below is used; none: staged batches run without it (no targetAddress, no mail-enabled-user conversion). Chosen on purpose: there is no default.')
@allowed(['ldap', 'none'])
param onPremDirectory string

@description('ldap:// or ldaps:// URL of the on-premises Active Directory (with onPremDirectory ldap).')
param onPremLdapUrl string = ''
param onPremLdapBindDn string = ''
param onPremLdapBaseDn string = ''
@secure()
param onPremLdapBindPassword string = ''

@description('Resource id of an existing subnet delegated to Microsoft.App/environments, in a virtual network connected to on-premises; empty: the app reaches only public hosts.')
param subnetId string = ''

@description('Object id of whoever deploys (azd sets AZURE_PRINCIPAL_ID): gets Storage Blob Data Contributor, to drop batch CSVs.')
param deployerPrincipalId string = ''

@description('The azd environment name, for the azd-env-name tag.')
param environmentName string = appName

var suffix = uniqueString(resourceGroup().id, appName)
// Storage account names take 3-24 lower-case letters and digits only.
var compactName = toLower(replace(appName, '-', ''))

module identity 'app/identity.bicep' = {
  name: 'identity'
  params: { name: 'id-${appName}-${suffix}', location: location }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: { name: 'st${take(compactName, 8)}${take(suffix, 10)}', location: location }
}

module vault 'app/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-${take(compactName, 8)}-${take(suffix, 8)}'
    location: location
    graphClientSecret: graphClientSecret
    encryptionKey: encryptionKey
    ldapBindPassword: onPremLdapBindPassword
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: { name: 'appi-${appName}-${suffix}', location: location, principalId: identity.outputs.principalId }
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
    keyVaultName: vault.outputs.name
    keyVaultUri: vault.outputs.uri
    appInsightsConnectionString: monitoring.outputs.connectionString
    graphTenantId: graphTenantId
    graphClientId: graphClientId
    notificationSender: notificationSender
    entraConnectMailboxGuid: entraConnectMailboxGuid
    onPremDirectory: onPremDirectory
    onPremLdapUrl: onPremLdapUrl
    onPremLdapBindDn: onPremLdapBindDn
    onPremLdapBaseDn: onPremLdapBaseDn
    hasLdapBindPassword: !empty(onPremLdapBindPassword)
    subnetId: subnetId
    tags: { 'azd-env-name': environmentName, 'azd-service-name': 'api' }
  }
  // The app starts only once its identity may read storage and Key Vault: its settings resolve at start.
  dependsOn: [rbac]
}

module eventGrid 'app/eventgrid.bicep' = {
  name: 'eventgrid'
  params: { storageAccountName: storage.outputs.name, location: location }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    deployerPrincipalId: deployerPrincipalId
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
  }
}

// Upper-case outputs become azd environment values, which the hooks read.
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_EVENTGRID_TOPIC_NAME string = eventGrid.outputs.name
output AZURE_KEY_VAULT_URI string = vault.outputs.uri
