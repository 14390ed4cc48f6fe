using FsCheck;
using FsCheck.Fluent;

namespace ScimProvisioning.Scim.Tests.Properties;

/// <summary>
/// Runs a property over FsCheck-generated cases from a fixed seed, so every run checks the same cases; set
/// SCIM_PROPERTY_SEED to explore others. A failure names the seed, the case number and the case.
/// </summary>
public static class PropertyRunner
{
    public static ulong Seed => ulong.TryParse(Environment.GetEnvironmentVariable("SCIM_PROPERTY_SEED"), out var seed) ? seed : 20261129UL;

    public static void Check<T>(Gen<T> generator, int cases, int size, Action<T> property)
    {
        var samples = Gen.Sample(generator, cases, new Rnd(Seed), size); // (generator, numberOfSamples, seed, size)
        Assert.Equal(cases, samples.Length);
        for (var i = 0; i < samples.Length; i++)
        {
            try
            {
                property(samples[i]);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(
                    $"Property failed for case {i + 1} of {cases} (SCIM_PROPERTY_SEED={Seed}): {samples[i]}{Environment.NewLine}{e.Message}"
                );
            }
        }
    }
}
