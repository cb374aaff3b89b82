"""Independent check of gqn's TFRecord files with Google's protobuf runtime and the crc32c module.

Run by interop.test.ts when python3 has both (Debian: apt-get install python3-protobuf
python3-crc32c). `read DIR`: every record of DIR/*/*.tfrecord has good CRCs, parses as a
tensorflow.Example with frames/cameras, and re-serializes (deterministically) to the same bytes.
`write DIR JPEG`: writes DIR/train/1-of-1.tfrecord, 3 DeepMind-shaped records, for gqn to read.
"""
import glob
import os
import struct
import sys

import crc32c
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

fdp = descriptor_pb2.FileDescriptorProto(name='example.proto', package='tensorflow', syntax='proto3')
def msg(name, fields, oneof=None):
    m = fdp.message_type.add(name=name)
    if oneof: m.oneof_decl.add(name=oneof)
    for (fname, num, typ, label, type_name, packed, in_oneof) in fields:
        f = m.field.add(name=fname, number=num, type=typ, label=label)
        if type_name: f.type_name = type_name
        if packed: f.options.packed = True
        if in_oneof: f.oneof_index = 0
    return m
F = descriptor_pb2.FieldDescriptorProto
msg('BytesList', [('value', 1, F.TYPE_BYTES, F.LABEL_REPEATED, None, False, False)])
msg('FloatList', [('value', 1, F.TYPE_FLOAT, F.LABEL_REPEATED, None, True, False)])
msg('Int64List', [('value', 1, F.TYPE_INT64, F.LABEL_REPEATED, None, True, False)])
msg('Feature', [('bytes_list', 1, F.TYPE_MESSAGE, F.LABEL_OPTIONAL, '.tensorflow.BytesList', False, True),
                ('float_list', 2, F.TYPE_MESSAGE, F.LABEL_OPTIONAL, '.tensorflow.FloatList', False, True),
                ('int64_list', 3, F.TYPE_MESSAGE, F.LABEL_OPTIONAL, '.tensorflow.Int64List', False, True)], oneof='kind')
feats = msg('Features', [('feature', 1, F.TYPE_MESSAGE, F.LABEL_REPEATED, '.tensorflow.Features.FeatureEntry', False, False)])
entry = feats.nested_type.add(name='FeatureEntry')
entry.options.map_entry = True
entry.field.add(name='key', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
entry.field.add(name='value', number=2, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL, type_name='.tensorflow.Feature')
msg('Example', [('features', 1, F.TYPE_MESSAGE, F.LABEL_OPTIONAL, '.tensorflow.Features', False, False)])
pool = descriptor_pool.DescriptorPool(); pool.Add(fdp)
_desc = pool.FindMessageTypeByName('tensorflow.Example')
if hasattr(message_factory, 'GetMessageClass'):  # protobuf >= 4.22
    Example = message_factory.GetMessageClass(_desc)
else:
    Example = message_factory.MessageFactory(pool).GetPrototype(_desc)

def mask(c): return ((((c >> 15) | (c << 17)) & 0xffffffff) + 0xa282ead8) & 0xffffffff

def records(path):
    data = open(path, 'rb').read(); at = 0
    while at < len(data):
        (n,) = struct.unpack_from('<Q', data, at); (lc,) = struct.unpack_from('<I', data, at + 8)
        assert mask(crc32c.crc32c(data[at:at + 8])) == lc, 'length crc'
        body = data[at + 12:at + 12 + n]; (dc,) = struct.unpack_from('<I', data, at + 12 + n)
        assert mask(crc32c.crc32c(body)) == dc, 'data crc'
        yield body; at += 16 + n

mode = sys.argv[1]
if mode == 'read':
    total = 0
    for path in sorted(glob.glob(sys.argv[2] + '/*/*.tfrecord')):
        for body in records(path):
            ex = Example(); ex.ParseFromString(body)
            f = ex.features.feature
            k = len(f['frames'].bytes_list.value)
            assert len(f['cameras'].float_list.value) == 5 * k
            assert ex.SerializeToString(deterministic=True) == body, 'canonical re-serialization differs'
            total += 1
    print(f'records {total}')
else:  # write: a DeepMind-shaped file produced by Google's protobuf + crc32c
    os.makedirs(sys.argv[2] + '/train', exist_ok=True)
    jpeg = open(sys.argv[3], 'rb').read()
    with open(sys.argv[2] + '/train/1-of-1.tfrecord', 'wb') as fh:
        for i in range(3):
            ex = Example()
            ex.features.feature['frames'].bytes_list.value.extend([jpeg] * 4)
            ex.features.feature['cameras'].float_list.value.extend([i + j / 10 for j in range(20)])
            body = ex.SerializeToString()
            head = struct.pack('<Q', len(body))
            fh.write(head + struct.pack('<I', mask(crc32c.crc32c(head))) + body + struct.pack('<I', mask(crc32c.crc32c(body))))
    print('wrote 3 records')
