import Torch

/// The GPU check's op parity: fixed inputs (made on the CPU from a seed) go through a set of
/// ops on `device`, forward and backward; inputs and results are written to `path` as
/// safetensors for `scripts/gpu_parity.py` to recompute with Python torch on the same device.
func writeParity(to path: String, device: Device) throws {
    let g = Generator(seed: 7)
    let a = Tensor.randn([64, 128], generator: g), b = Tensor.randn([128, 32], generator: g)
    let image = Tensor.randn([4, 3, 16, 16], generator: g), kernel = Tensor.randn([8, 3, 3, 3], generator: g)
    let logits = Tensor.randn([64, 10], generator: g), target = Tensor.randint(0, 10, [64], generator: g)
    var out: [String: Tensor] = ["a": a, "b": b, "image": image, "kernel": kernel, "logits": logits, "target": target]
    try withTorchErrors {
        let (da, db) = (a.to(device: device), b.to(device: device))
        out["matmul"] = da.matmul(db)
        out["conv2d"] = F.conv2d(image.to(device: device), weight: kernel.to(device: device), padding: [1, 1])
        out["softmax"] = F.softmax(da, dim: 1)
        out["log_softmax"] = F.logSoftmax(da, dim: 1)
        out["layer_norm"] = F.layerNorm(da, normalizedShape: [128])
        out["gelu"] = F.gelu(da)
        let x = logits.to(device: device).requiresGrad_()
        let loss = F.crossEntropy(x, target.to(device: device))
        loss.backward()
        out["cross_entropy"] = loss.detach()
        out["cross_entropy_grad"] = x.grad!
        out["matmul_bf16_autocast"] = withAutocast(device: device, dtype: .bfloat16) { da.matmul(db) }
    }
    try Safetensors.save(out.mapValues { $0.to(device: .cpu) }, to: path)
}
