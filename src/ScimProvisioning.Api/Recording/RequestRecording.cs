using System.Text.Json.Nodes;
using ScimProvisioning.Domain.Changes;
using ScimProvisioning.Scim.Patching;

namespace ScimProvisioning.Api.Recording;

/// <summary>
/// What the SCIM pipeline tells the recorder about one request while serving it: the operations or document as it
/// normalised them, what it changed, and the rules that refused it. A request feature, present only while recording;
/// the recorder reads it after the response is complete, so nothing here is copied on the request path.
/// </summary>
public sealed class RequestRecording
{
    private readonly List<RecordedInterpretation> interpretations = [];
    private readonly List<ChangeDescription> changes = [];

    public IReadOnlyList<RecordedInterpretation> Interpretations => interpretations;

    public IReadOnlyList<ChangeDescription> Changes => changes;

    /// <summary>The rule a refusal named, when the request was refused by one.</summary>
    public string? RefusedBy { get; private set; }

    /// <summary>A POST or PUT body as canonicalised against its schema (kept by reference; copied by the writer).</summary>
    public void Normalised(JsonNode document) => interpretations.Add(new RecordedInterpretation("document", document, null));

    /// <summary>PATCH operations as the engine reads them (op case, target path, value).</summary>
    public void Normalised(IReadOnlyList<PatchOperation> operations) =>
        interpretations.Add(new RecordedInterpretation("operations", null, operations));

    public void Applied(ChangeDescription change) => changes.Add(change);

    public void Refused(string? rule, ChangeDescription? refusal)
    {
        RefusedBy ??= rule;
        if (refusal is not null)
        {
            changes.Add(refusal);
        }
    }
}

/// <summary>One normalised piece of a request: a <c>document</c> (POST/PUT) or <c>operations</c> (PATCH).</summary>
public sealed record RecordedInterpretation(string Kind, JsonNode? Document, IReadOnlyList<PatchOperation>? Operations)
{
    public JsonNode? ToJson() => Operations is null ? Document?.DeepClone() : ScimRecordingViews.Operations(Operations);
}
