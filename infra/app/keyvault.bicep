// Endpoint passwords (one secret per endpoint, written by the app), and the secrets the app reads
// through Key Vault references, written here by the deployment so none resolves to a literal string:
// the Graph client secret, the key that seals CSV passwords, and the on-premises LDAP bind password.
param name string
param location string

@secure()
param graphClientSecret string

@secure()
@description('32 random bytes, base64: seals CSV passwords until they are used.')
param encryptionKey string

@secure()
@description('The on-premises directory bind password; empty when no directory is used.')
param ldapBindPassword string = ''

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // Off, so `azd down --purge` and a redeployment into a recreated resource group can reuse the name.
    enablePurgeProtection: null
  }
}

resource graphSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'graph-client-secret'
  properties: { value: graphClientSecret }
}

resource sealingKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'migration-encryption-key'
  properties: { value: encryptionKey }
}

resource ldapSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(ldapBindPassword)) {
  parent: vault
  name: 'ldap-bind-password'
  properties: { value: ldapBindPassword }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
