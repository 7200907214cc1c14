// Every role the app's identity holds, in one place. Names are guid()s of scope, principal and
// role so a redeployment finds the same assignments.
param principalId string
param storageAccountName string
param keyVaultName string
@description('Object id of the deployer; empty: no role for them.')
param deployerPrincipalId string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

var roles = {
  // Storage Blob Data Owner: CSV intake, reports, deployment package, Durable large payloads.
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Storage Queue Data Contributor: Durable control and work-item queues, the notification outbox.
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Storage Table Data Contributor: Durable history and instances, batches, mailboxes, item maps.
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Storage Blob Data Contributor: the deployer drops batch CSVs into the intake container.
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // Key Vault Secrets Officer: endpoint passwords are written at endpoint creation and read at copy time.
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [
  roles.blobDataOwner, roles.queueDataContributor, roles.tableDataContributor
]: {
  name: guid(account.id, principalId, role)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

resource deployerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(account.id, deployerPrincipalId, roles.blobDataContributor)
  scope: account
  properties: {
    principalId: deployerPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
  }
}
