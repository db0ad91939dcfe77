using System.Globalization;
using Metrics.Core.Pricing;
using Metrics.Functions.Hosting;
using Metrics.Functions.Operations.OpenApi;
using Metrics.Functions.Security;
using Metrics.Storage.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Metrics.Functions.Admin;

public sealed record RosterSize(int Members);
