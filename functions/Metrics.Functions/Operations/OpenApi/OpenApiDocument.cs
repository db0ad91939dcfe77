using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Metrics.Core.Queries;
using Metrics.Functions.Security;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Metrics.Functions.Operations.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of every HTTP function, read off the functions themselves: path and methods from the
/// <c>[HttpTrigger]</c> (so it lists what the host serves), answers from the typed results each function returns, the
/// rest from <see cref="QueryParameterAttribute"/> and its siblings. Schemas are the JSON Schema of the very types
/// sent and answered, named as they are serialised.
/// </summary>
public static class OpenApiDocument
{
    /// <summary>As answers are written (camelCase); numbers as numbers, which is how they are sent and answered.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    private static readonly JsonSchemaExporterOptions Exporting = new() { TransformSchemaNode = Describe, TreatNullObliviousAsNonNullable = true };

    public static JsonObject Build(string routePrefix)
    {
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (name, method) in AppFunctions.All().OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (HttpTrigger(method) is not { } trigger) continue;
            var path = "/" + string.Join('/', new[] { routePrefix.Trim('/'), trigger.Route!.Trim('/') }.Where(part => part.Length > 0));
            if (!paths.TryGetValue(path, out var item)) paths[path] = item = new JsonObject();
            // A preflight is CORS plumbing, not an operation of the API.
            foreach (var verb in (trigger.Methods ?? []).Where(m => !HttpMethods.IsOptions(m)))
                item[verb.ToLowerInvariant()] = Operation(name, method, trigger.Route!, schemas);
        }
        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "Metrics.Functions",
                ["version"] = typeof(OpenApiDocument).Assembly.GetName().Version?.ToString(3),
                ["description"] = "Request metrics and usage beacons in; latency, errors, usage, spend and exports out. The contract in words is docs/api.md.",
            },
            ["paths"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
                ["securitySchemes"] = new JsonObject
                {
                    ["ingestKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-metrics-key", ["description"] = "A service's ingestion key (Ingest:Keys)." },
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "An admin or finance API key (Auth:AdminKeys, Auth:FinanceKeys), or the platform sign-in behind App Service authentication." },
                },
            },
        };
    }

    public static HttpTriggerAttribute? HttpTrigger(MethodInfo function) =>
        function.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null);

    private static JsonObject Operation(string name, MethodInfo method, string route, IDictionary<string, JsonNode> schemas)
    {
        var roles = (method.GetCustomAttribute<RequiresRoleAttribute>() ?? method.DeclaringType!.GetCustomAttribute<RequiresRoleAttribute>())?.Roles;
        var ingestKey = method.GetCustomAttribute<IngestKeyRequiredAttribute>() is not null;
        var operation = new JsonObject { ["operationId"] = name };
        if (method.GetCustomAttribute<EndpointSummaryAttribute>() is { } summary) operation["summary"] = summary.Summary;
        if (method.GetCustomAttribute<TagsAttribute>() is { } tags) operation["tags"] = new JsonArray(tags.Tags.Select(t => (JsonNode?)t).ToArray());
        if (roles is not null) operation["description"] = $"Needs the role {string.Join(" or ", roles.Select(r => $"'{r}'"))}.";

        var parameters = new JsonArray();
        foreach (var parameter in RoutePatternFactory.Parse(route).Parameters)
            parameters.Add(Parameter(parameter.Name, "path", "", required: true, new JsonObject { ["type"] = "string" }));
        if (method.GetCustomAttribute<QueryRangeAttribute>() is not null)
        {
            parameters.Add(Parameter("range", "query", $"A span ending with the current hour; default {QueryRange.DefaultPreset}. Or give 'from' and 'to'.", false,
                Enum(QueryRange.Presets.Keys)));
            parameters.Add(Parameter("from", "query", "Start of a custom range (ISO-8601), widened to whole hours; with 'to', at most 90 days, within retention.", false, DateTime()));
            parameters.Add(Parameter("to", "query", "End of a custom range (ISO-8601), widened to whole hours, not in the future.", false, DateTime()));
        }
        foreach (var query in method.GetCustomAttributes<QueryParameterAttribute>())
            parameters.Add(Parameter(query.Name, "query", query.Description, false, query.Allowed.Count > 0 ? Enum(query.Allowed) : new JsonObject { ["type"] = "string" }));
        if (parameters.Count > 0) operation["parameters"] = parameters;

        if (method.GetCustomAttribute<RequestBodyAttribute>() is { } body)
            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Content(body.ContentTypes, body.Shape, schemas) };

        var responses = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var produced in TypedResults(method))
            responses[Status(produced.StatusCode)] = produced.Type is null || produced.Type == typeof(void)
                ? new JsonObject { ["description"] = ReasonPhrases(produced.StatusCode) }
                : Response(produced.StatusCode, produced.ContentTypes.DefaultIfEmpty("application/json"), produced.Type, schemas);
        foreach (var content in method.GetCustomAttributes<ResponseContentAttribute>())
        {
            // Another representation of an answer the typed results describe (CSV beside JSON) joins it.
            var response = Response(content.Status, [content.ContentType], content.Shape, schemas);
            if (responses.TryGetValue(Status(content.Status), out var known) && known["content"] is JsonObject types)
                foreach (var (type, schema) in (JsonObject)response["content"]!) types[type] = schema!.DeepClone();
            else responses[Status(content.Status)] = response;
        }
        var problems = (method.GetCustomAttribute<ProblemResponsesAttribute>()?.Statuses ?? []).Append(StatusCodes.Status500InternalServerError);
        if (roles is not null) problems = problems.Append(StatusCodes.Status401Unauthorized).Append(StatusCodes.Status403Forbidden);
        if (ingestKey) problems = problems.Append(StatusCodes.Status401Unauthorized);
        foreach (var status in problems.Distinct())
            responses[Status(status)] = Response(status, ["application/problem+json"], typeof(ProblemDetails), schemas);
        operation["responses"] = new JsonObject(responses.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)));

        if (roles is not null || ingestKey)
            operation["security"] = new JsonArray(new JsonObject { [ingestKey ? "ingestKey" : "bearer"] = new JsonArray() });
        return operation;
    }

    /// <summary>What a function's typed results say they answer, as ASP.NET Core reads it for minimal APIs.</summary>
    private static IEnumerable<IProducesResponseTypeMetadata> TypedResults(MethodInfo method)
    {
        var returned = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetGenericArguments()[0] : method.ReturnType;
        if (!typeof(IEndpointMetadataProvider).IsAssignableFrom(returned)) return [];
        var builder = new RouteEndpointBuilder(null, RoutePatternFactory.Parse("/"), 0);
        var populate = returned.GetInterfaceMap(typeof(IEndpointMetadataProvider)).TargetMethods.Single();
        populate.Invoke(null, [method, builder]);
        return builder.Metadata.OfType<IProducesResponseTypeMetadata>();
    }

    private static JsonObject Response(int status, IEnumerable<string> contentTypes, Type? shape, IDictionary<string, JsonNode> schemas)
    {
        var response = new JsonObject { ["description"] = ReasonPhrases(status) };
        if (shape is not null || contentTypes.Any(type => !type.Contains("json", StringComparison.Ordinal))) response["content"] = Content(contentTypes, shape, schemas);
        return response;
    }

    private static JsonObject Content(IEnumerable<string> contentTypes, Type? shape, IDictionary<string, JsonNode> schemas) =>
        new(contentTypes.Select(type => KeyValuePair.Create(type, (JsonNode?)new JsonObject
        {
            ["schema"] = shape is null ? new JsonObject { ["type"] = "string" } : Reference(shape, schemas),
        })));

    /// <summary>A named type's schema, written once under components and referred to; a list or map is written in place.</summary>
    private static JsonNode Reference(Type shape, IDictionary<string, JsonNode> schemas)
    {
        if (shape.IsArray || shape.IsGenericType) return JsonSchemaExporter.GetJsonSchemaAsNode(Json, shape, Exporting);
        if (!schemas.ContainsKey(shape.Name)) schemas[shape.Name] = JsonSchemaExporter.GetJsonSchemaAsNode(Json, shape, Exporting);
        return new JsonObject { ["$ref"] = $"#/components/schemas/{shape.Name}" };
    }

    /// <summary>A property's <see cref="DescriptionAttribute"/>, in its schema.</summary>
    private static JsonNode Describe(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), true).FirstOrDefault() is DescriptionAttribute description
            && schema is JsonObject properties)
            properties.Insert(0, "description", description.Description);
        return schema;
    }

    private static JsonObject Parameter(string name, string location, string description, bool required, JsonObject schema)
    {
        var parameter = new JsonObject { ["name"] = name, ["in"] = location, ["required"] = required, ["schema"] = schema };
        if (description.Length > 0) parameter["description"] = description;
        return parameter;
    }

    private static JsonObject Enum(IEnumerable<string> values) => new() { ["type"] = "string", ["enum"] = new JsonArray(values.Select(v => (JsonNode?)v).ToArray()) };

    private static JsonObject DateTime() => new() { ["type"] = "string", ["format"] = "date-time" };

    private static string Status(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : Status(status);
}
