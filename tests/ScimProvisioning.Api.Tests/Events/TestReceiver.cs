using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ScimProvisioning.Api.Tests.Events;

/// <summary>A real HTTP receiver on 127.0.0.1 inside the test: it records what arrives and answers as told.</summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    public sealed record Received(string ContentType, IReadOnlyDictionary<string, string> Headers, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The status it answers; 0 = never answers.</summary>
    public int Status { get; set; } = StatusCodes.Status202Accepted;

    public string Url { get; private set; } = "";

    private TestReceiver(WebApplication app) => this.app = app;

    public static async Task<TestReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new TestReceiver(app);
        app.MapPost(
            "/{**path}",
            async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                receiver.Requests.Enqueue(
                    new Received(
                        context.Request.ContentType ?? "",
                        context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                        body
                    )
                );
                if (receiver.Status == 0)
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }

                context.Response.StatusCode = receiver.Status;
            }
        );
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address + "/events";
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
