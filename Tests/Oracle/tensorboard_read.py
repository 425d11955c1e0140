"""Reads TensorBoard event files with tensorboard's own EventAccumulator and prints what it
finds as JSON: scalar series, text, hparams, images (PNG decoded with zlib, CRCs checked) and
histograms. usage: tensorboard_read.py LOGDIR"""
import json
import struct
import sys
import zlib

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2



def decode_png(data):
    """Pixels of an 8-bit PNG without interlacing, rows of filter 0 (what the logger writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, "bad chunk CRC"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color = header[:4]
    channels = {0: 1, 2: 3, 6: 4}[color]
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    pixels = []
    for row in range(height):
        assert raw[row * stride] == 0, "unexpected filter"
        pixels += list(raw[row * stride + 1:(row + 1) * stride])
    return width, height, channels, pixels


ea = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "tensors": 0, "images": 0, "histograms": 0})
ea.Reload()
out = {"scalars": {}, "text": {}, "hparams": {}, "images": {}, "histograms": {}}
for tag in ea.Tags()["scalars"]:
    out["scalars"][tag] = [[e.step, e.value] for e in ea.Scalars(tag)]
for tag in ea.Tags()["tensors"]:
    for e in ea.Tensors(tag):
        if e.tensor_proto.string_val:
            out["text"][tag] = [e.step, e.tensor_proto.string_val[0].decode()]
for tag, content in ea.PluginTagToContent("hparams").items():
    data = plugin_data_pb2.HParamsPluginData.FromString(content)
    for key, value in data.session_start_info.hparams.items():
        out["hparams"][key] = value.number_value if value.HasField("number_value") else value.string_value
    if data.HasField("experiment"):
        out["hparams"]["metrics"] = [m.name.tag for m in data.experiment.metric_infos]
for tag in ea.Tags()["images"]:
    for e in ea.Images(tag):
        width, height, channels, pixels = decode_png(e.encoded_image_string)
        assert (width, height) == (e.width, e.height)
        out["images"][tag] = [e.step, width, height, channels, pixels]
for tag in ea.Tags()["histograms"]:
    for e in ea.Histograms(tag):
        h = e.histogram_value
        out["histograms"][tag] = [e.step, h.min, h.max, h.num, h.sum, h.sum_squares, sum(h.bucket), len(h.bucket_limit)]
print(json.dumps(out, sort_keys=True))
