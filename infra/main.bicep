// Metrics.Functions on the Flex Consumption plan: the function app (a .NET 10 isolated worker), its storage account,
// a user-assigned identity that reaches storage without keys, Application Insights for the host's logs and the worker's
// metrics and traces, and alert rules that e-mail a person.
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

@description('E-mail addresses the alerts are sent to (the action group); with none, alerts fire in the portal only.')
param alertEmails string[] = []

@description('Alert when a source has sent nothing for this many minutes (metrics_source_freshness_lag).')
@minValue(5)
param freshnessLagAlertMinutes int = 60

@description('Alert when more than this percentage of the HTTP requests of 15 minutes answered 5xx.')
@minValue(1)
@maxValue(100)
param serverErrorAlertPercent int = 5

@description('Alert when ingestion answered more 503s than this in 15 minutes (storage unavailable or hours being finalised).')
@minValue(0)
param ingestionUnavailableAlertCount int = 10

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

// Alerts that reach a person (docs/runbook.md explains each one, by its display name). They query the workspace
// behind Application Insights: AppRequests (one row per function invocation, written by the Functions host), AppTraces
// (the logs) and AppMetrics (the app's OpenTelemetry metrics, docs/operations.md). A row of AppRequests or AppTraces may
// stand for several when the host samples (host.json: requests and exceptions are never sampled, logs may be): rows are
// counted as sum(ItemCount), never count(), as Microsoft's guidance for sampled telemetry says.
resource alertGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${name}-alerts'
  location: 'global'
  properties: {
    groupShortName: take('${name}ops', 12)
    enabled: true
    emailReceivers: [
      for (email, i) in alertEmails: {
        name: 'email-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

var alertActions = { actionGroups: [alertGroup.id] }
var onePeriod = { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }

resource nightlyFailedAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-nightly-failed'
  location: location
  properties: {
    displayName: 'NightlyRunFailed'
    description: 'A NightlyAggregation attempt failed (it is retried up to 3 times; the cause needs a look either way). See docs/runbook.md.'
    severity: 1
    enabled: true
    scopes: [logs.id]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'AppTraces | where Message startswith "TIMER FAILED: NightlyAggregation" | summarize failures = sum(ItemCount)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'failures'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: onePeriod
        }
      ]
    }
    autoMitigate: false
    actions: alertActions
  }
}

resource nightlyMissingAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-nightly-missing'
  location: location
  properties: {
    displayName: 'NightlyRunMissing'
    description: 'No NightlyAggregation run succeeded in the last 26 hours. See docs/runbook.md.'
    severity: 1
    enabled: true
    scopes: [logs.id]
    evaluationFrequency: 'PT1H'
    windowSize: 'P2D'
    criteria: {
      allOf: [
        {
          query: 'AppRequests | where TimeGenerated > ago(26h) and Name == "NightlyAggregation" and Success == true | summarize runs = sum(ItemCount) | extend runs = coalesce(runs, 0)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'runs'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: onePeriod
        }
      ]
    }
    autoMitigate: true
    actions: alertActions
  }
}

resource sizeAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-size'
  location: location
  properties: {
    displayName: 'RowBudgetReached'
    description: 'The nightly run logged ALERT: storage reached its row budget. See docs/runbook.md.'
    severity: 2
    enabled: true
    scopes: [logs.id]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'AppTraces | where Message startswith "ALERT:" | summarize alerts = sum(ItemCount)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'alerts'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: onePeriod
        }
      ]
    }
    autoMitigate: false
    actions: alertActions
  }
}

resource freshnessAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-freshness'
  location: location
  properties: {
    displayName: 'SourceFreshnessLag'
    description: 'A source has sent no event for longer than the threshold (metrics_source_freshness_lag). See docs/runbook.md.'
    severity: 2
    enabled: true
    scopes: [logs.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'AppMetrics | where Name == "metrics_source_freshness_lag" | extend source = tostring(Properties.source) | summarize lagMinutes = max(Max) / 60 by source'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'lagMinutes'
          dimensions: [{ name: 'source', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: freshnessLagAlertMinutes
          failingPeriods: onePeriod
        }
      ]
    }
    autoMitigate: true
    actions: alertActions
  }
}

resource serverErrorAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-server-errors'
  location: location
  properties: {
    displayName: 'ServerErrorRate'
    description: 'Too many HTTP requests answered 5xx. See docs/runbook.md.'
    severity: 1
    enabled: true
    scopes: [logs.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          // Timer runs are rows of AppRequests too, with no HTTP status; a handful of requests is no rate.
          query: 'AppRequests | where Name !in ("RollupCompaction", "NightlyAggregation") | summarize total = sum(ItemCount), errors = sumif(ItemCount, toint(ResultCode) >= 500) | where total >= 20 | extend errorPercent = 100.0 * errors / total'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'errorPercent'
          operator: 'GreaterThan'
          threshold: serverErrorAlertPercent
          failingPeriods: onePeriod
        }
      ]
    }
    autoMitigate: true
    actions: alertActions
  }
}

resource ingestionUnavailableAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-ingestion-503'
  location: location
  properties: {
    displayName: 'IngestionUnavailable'
    description: 'Ingestion answered 503: senders are told to retry. See docs/runbook.md.'
    severity: 1
    enabled: true
    scopes: [logs.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'AppRequests | where Name in ("IngestRequests", "IngestUsage") and ResultCode == "503" | summarize unavailable = sum(ItemCount)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'unavailable'
          operator: 'GreaterThan'
          threshold: ingestionUnavailableAlertCount
          failingPeriods: onePeriod
        }
      ]
    }
    autoMitigate: true
    actions: alertActions
  }
}

resource exportFailedAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${name}-export-failed'
  location: location
  properties: {
    displayName: 'ExportFailed'
    description: 'An export job failed (metrics_export_jobs_finished, outcome failed). See docs/runbook.md.'
    severity: 3
    enabled: true
    scopes: [logs.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'AppMetrics | where Name == "metrics_export_jobs_finished" and tostring(Properties.outcome) == "failed" | summarize failed = sum(Sum)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'failed'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: onePeriod
        }
      ]
    }
    autoMitigate: true
    actions: alertActions
  }
}

output appName string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output storageAccount string = storage.name
