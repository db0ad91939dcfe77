// Metrics.Functions on the Flex Consumption plan: the function app (a .NET 10 isolated worker), its storage account,
// a user-assigned identity that reaches storage without keys, and Application Insights for the host's and the worker's logs.
// Deploy into an existing resource group:
//   az deployment group create -g <group> -f infra/main.bicep -p name=<name> adminKeys='sha256:<hex>' ingestKeys='sha256:<hex>'
// then the code (infra/README.md).

@description('Base of every resource name: letters and digits, 3 to 16 characters.')
@minLength(3)
@maxLength(16)
param name string

param location string = resourceGroup().location

@description('Admin API keys, ;-separated; give sha256:<hex> hashes, never the keys themselves.')
@secure()
param adminKeys string

@description('Finance API keys, ;-separated sha256:<hex> hashes.')
@secure()
param financeKeys string = ''

@description('Ingestion keys for services, ;-separated sha256:<hex> hashes.')
@secure()
param ingestKeys string

@description('Sites that send browser beacons: their public key and their allowed origins (;-separated).')
param sites { key: string, origins: string }[] = []

@description('Trust X-MS-CLIENT-PRINCIPAL: only when App Service authentication is configured in front of the app.')
param trustPlatformPrincipal bool = false

@description('Groups or roles of the platform principal that count as admin, ,-separated.')
param adminGroups string = 'admins,workspace_admins,administrators'

@description('Instances the app may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

var token = toLower(uniqueString(resourceGroup().id, name))
var storageName = take('${toLower(name)}${token}', 24)
var deploymentContainer = 'deployment'

// Built-in role definition ids.
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // the host's own blobs: timer leases, keys
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160ff3a' // raw events, rollups, markers, audit
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Application Insights without a key
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Identity only. Export links are then user-delegation SAS, which the app signs with its identity.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }

  resource blobs 'blobServices' = {
    name: 'default'

    resource deployment 'containers' = { name: deploymentContainer }
    resource exports 'containers' = { name: 'exports' }
    resource locks 'containers' = { name: 'locks' }
  }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.blobDataOwner, roles.tableDataContributor]: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: { reserved: true }
}

var siteSettings = flatten(map(range(0, length(sites)), i => [
  { name: 'Sites__${i}__Key', value: sites[i].key }
  { name: 'Sites__${i}__Origins', value: sites[i].origins }
]))

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      // The app is a .NET isolated worker; the deployment package is the `dotnet publish` output (infra/README.md).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat([
        // The host's own storage, through the identity (no connection string exists: shared keys are off).
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        // The app's storage clients: Azure.Identity's DefaultAzureCredential picks the identity by AZURE_CLIENT_ID.
        { name: 'Storage__AccountName', value: storage.name }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        { name: 'Auth__AdminKeys', value: adminKeys }
        { name: 'Auth__FinanceKeys', value: financeKeys }
        { name: 'Auth__TrustPlatformPrincipal', value: string(trustPlatformPrincipal) }
        { name: 'ADMIN_GROUPS', value: adminGroups }
        { name: 'Ingest__Keys', value: ingestKeys }
      ], siteSettings)
    }
  }
  dependsOn: [storageRoles]
}

output appName string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output storageAccount string = storage.name
