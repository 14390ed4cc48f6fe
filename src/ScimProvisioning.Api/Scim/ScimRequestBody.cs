using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ScimProvisioning.Api.Scim;

/// <summary>
/// Marks an endpoint that reads a SCIM JSON body itself (so any media type reaches the handler, which answers 415 in
/// SCIM's format); <see cref="ScimRequestBodyFilter"/> documents the body in the OpenAPI document.
/// </summary>
public sealed record ScimRequestBody(string Resource);

public sealed class ScimRequestBodyFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var marker = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ScimRequestBody>().FirstOrDefault();
        if (marker is null)
        {
            return;
        }

        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = $"A SCIM {marker.Resource} resource or PatchOp document (RFC 7643/7644).",
        };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/scim+json"] = new() { Schema = schema },
                ["application/json"] = new() { Schema = schema },
            },
        };
    }
}
