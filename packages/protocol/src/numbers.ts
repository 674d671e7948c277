// 64-bit counters decode as plain numbers (exact up to 2^53), not Long objects: no caller wants Long, and a
// count of 2^53 requests is out of reach. This must run before the generated code loads, because the generated
// prototypes capture `util.Long` for their defaults at load time (a zero default would otherwise be a Long).
import $protobuf from 'protobufjs/minimal.js';

$protobuf.util.Long = undefined as unknown as typeof $protobuf.util.Long;
$protobuf.configure();
