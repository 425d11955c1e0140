"""Reads TensorBoard event files with tensorboard's own EventAccumulator and prints what it
finds as JSON: scalar series, text and hparams. usage: tensorboard_read.py LOGDIR"""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2

ea = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "tensors": 0})
ea.Reload()
out = {"scalars": {}, "text": {}, "hparams": {}}
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
print(json.dumps(out, sort_keys=True))
