namespace FlexiAI;

/// <summary>What FlexiAI knows about the models behind Azure OpenAI deployments.</summary>
/// <remarks>
/// On Azure the configured model is a deployment name chosen by its owner. Deployments are usually named after their model
/// (<c>gpt-5.4-mini</c>), so a deployment name is described by OpenAI's model table (see <see cref="OpenAIModels"/>, whose names come
/// from the official OpenAI SDK's model list); any other name is described as unknown.
/// </remarks>
internal static class AzureOpenAIModels
{
    public const string Example = OpenAIModels.Example;

    public static ModelTable Table => OpenAIModels.Table;
}
