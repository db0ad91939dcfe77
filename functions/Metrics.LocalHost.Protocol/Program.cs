using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

// Usage: Metrics.LocalHost.Protocol <output.pb>
// The worker's generated protocol classes are internal, but their file descriptors are public protobuf objects:
// read them, dependencies first, and write them as one FileDescriptorSet (what protoc's --descriptor_set_in takes).
if (args is not [var output])
{
    Console.Error.WriteLine("usage: Metrics.LocalHost.Protocol <output.pb>");
    return 2;
}

const string Messages = "Microsoft.Azure.Functions.Worker.Grpc.Messages.FunctionRpcReflection";
var reflection = Assembly.Load("Microsoft.Azure.Functions.Worker.Grpc").GetType(Messages, throwOnError: true)!;
var protocol = (FileDescriptor)reflection.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

var set = new FileDescriptorSet();
var written = new HashSet<string>(StringComparer.Ordinal);
Add(protocol);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllBytes(output, set.ToByteArray());
Console.WriteLine($"wrote {set.File.Count} file descriptors ({string.Join(", ", set.File.Select(f => f.Name))}) to {output}");
return 0;

void Add(FileDescriptor file)
{
    if (!written.Add(file.Name)) return;
    foreach (var dependency in file.Dependencies) Add(dependency);
    set.File.Add(FileDescriptorProto.Parser.ParseFrom(file.SerializedData));
}
