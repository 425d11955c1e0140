/// Multi-head attention (`nn.MultiheadAttention`), computed with the same operations as
/// PyTorch's `F.multi_head_attention_forward`.
public final class MultiheadAttention: Module {
    @Parameter public var inProjWeight: Tensor
    @Parameter public var inProjBias: Tensor?
    public let outProj: Linear
    public let embedDim: Int, numHeads: Int, dropout: Double, batchFirst: Bool

    public init(embedDim: Int, numHeads: Int, dropout: Double = 0, bias: Bool = true, batchFirst: Bool = false) {
        if numHeads < 1 || embedDim % numHeads != 0 {
            argumentError("MultiheadAttention", "embedDim (\(embedDim)) must be divisible by numHeads (\(numHeads))")
        }
        (self.embedDim, self.numHeads, self.dropout, self.batchFirst) = (embedDim, numHeads, dropout, batchFirst)
        let inProjWeight = Tensor.empty([3 * embedDim, embedDim])
        let inProjBias = bias ? Tensor.empty([3 * embedDim]) : nil
        outProj = Linear(embedDim, embedDim, bias: bias)
        Init.xavierUniform_(inProjWeight)
        if let inProjBias { Init.constant_(inProjBias, 0) }
        if let b = outProj.bias { Init.constant_(b, 0) }
        self.inProjWeight = inProjWeight
        self.inProjBias = inProjBias
        super.init()
    }

    /// Self-attention of one input, without weights.
    public override func forward(_ x: Tensor) -> Tensor { forward(x, x, x, needWeights: false).output }

    /// Attention of `query` over `key`/`value`. `keyPaddingMask` (N, S) and `attnMask`
    /// ((L, S) or (N·heads, L, S)) are bool (true = masked out) or float (added); with
    /// `needWeights` the attention weights come back too (averaged over heads by default).
    public func forward(_ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: Tensor? = nil,
                        needWeights: Bool = true, attnMask: Tensor? = nil, averageAttnWeights: Bool = true,
                        isCausal: Bool = false) -> (output: Tensor, weights: Tensor?) {
        let batched = query.dim == 3
        let selfAttention = query === key && key === value
        var (q, k, v) = (query, key, value)
        if let split = tensorParallel {
            q = split.entering(q)
            (k, v) = selfAttention ? (q, q) : (split.entering(k), split.entering(v))
        }
        if batchFirst && batched { (q, k, v) = (q.transpose(1, 0), k.transpose(1, 0), v.transpose(1, 0)) }
        if !batched { (q, k, v) = (q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)) }
        var (out, weights) = attend(q, k, v, selfAttention: selfAttention,
                                    keyPaddingMask: batched ? keyPaddingMask : keyPaddingMask?.unsqueeze(0),
                                    needWeights: needWeights, attnMask: attnMask,
                                    averageAttnWeights: averageAttnWeights, isCausal: isCausal)
        if !batched {
            out = out.squeeze(dim: 1)
            weights = weights?.squeeze(dim: 0)
        } else if batchFirst {
            out = out.transpose(1, 0)
        }
        return (out, weights)
    }

    /// A bool mask as an additive float mask (-inf where true); float masks pass through.
    static func canonicalMask(_ mask: Tensor?, like reference: Tensor) -> Tensor? {
        guard let mask else { return nil }
        guard mask.dtype == .bool else { return mask }
        return Tensor.zeros(like: mask, dtype: reference.dtype).maskedFill_(mask, -.infinity)
    }

    private func attend(_ query: Tensor, _ key: Tensor, _ value: Tensor, selfAttention: Bool, keyPaddingMask: Tensor?,
                        needWeights: Bool, attnMask: Tensor?, averageAttnWeights: Bool,
                        isCausal: Bool) -> (Tensor, Tensor?) {
        let (tgtLen, bsz) = (query.size(0), query.size(1))
        let headDim = embedDim / numHeads
        // This rank's heads and their width (all of them unless tensor parallelism split them).
        let heads = inProjWeight.size(0) / (3 * headDim), width = heads * headDim
        var padding = Self.canonicalMask(keyPaddingMask, like: query)
        var mask: Tensor?
        var causal = isCausal
        if isCausal && padding == nil && !needWeights {
            mask = nil
        } else {
            mask = Self.canonicalMask(attnMask, like: query)
            if padding != nil { causal = false }
        }
        if isCausal && attnMask == nil && (needWeights || padding != nil) {
            argumentError("MultiheadAttention", "Need attn_mask if specifying the is_causal hint")
        }
        var q: Tensor, k: Tensor, v: Tensor
        if selfAttention {
            let proj = F.linear(query, weight: inProjWeight, bias: inProjBias)
                .unflatten(dim: -1, sizes: [3, width]).unsqueeze(0).transpose(0, -2).squeeze(dim: -2).contiguous()
            (q, k, v) = (proj[0], proj[1], proj[2])
        } else {
            let w = inProjWeight.chunk(3)
            let b = inProjBias?.chunk(3)
            q = F.linear(query, weight: w[0], bias: b?[0])
            k = F.linear(key, weight: w[1], bias: b?[1])
            v = F.linear(value, weight: w[2], bias: b?[2])
        }
        if let m = mask, m.dim == 2 { mask = m.unsqueeze(0) }
        q = q.view([tgtLen, bsz * heads, headDim]).transpose(0, 1)
        k = k.view([k.size(0), bsz * heads, headDim]).transpose(0, 1)
        v = v.view([v.size(0), bsz * heads, headDim]).transpose(0, 1)
        let srcLen = k.size(1)
        if let p = padding {
            padding = p.view([bsz, 1, 1, srcLen]).expand([-1, heads, -1, -1]).reshape([bsz * heads, 1, srcLen])
            mask = mask.map { $0 + padding! } ?? padding
        }
        let dropoutP = isTraining ? dropout : 0
        if needWeights {
            let qScaled = q * (1.0 / Double(q.size(-1))).squareRoot()
            let kt = k.transpose(-2, -1)
            var weights = (mask.map { ATen.baddbmm($0, qScaled, kt) } ?? qScaled.bmm(kt))
                .softmax(dim: -1)
            if dropoutP > 0 { weights = F.dropout(weights, p: dropoutP) }
            var out = weights.bmm(v).transpose(0, 1).contiguous().view([tgtLen * bsz, width])
            out = outProj(out).view([-1, bsz, embedDim])
            weights = weights.view([bsz, heads, tgtLen, srcLen])
            return (out, averageAttnWeights ? weights.mean(dim: 1) : weights)
        }
        if let m = mask {
            mask = m.size(0) == 1 && m.dim == 3 ? m.unsqueeze(0) : m.view([bsz, heads, -1, srcLen])
        }
        q = q.view([bsz, heads, tgtLen, headDim])
        k = k.view([bsz, heads, srcLen, headDim])
        v = v.view([bsz, heads, srcLen, headDim])
        let attended = F.scaledDotProductAttention(q, k, v, attnMask: mask, dropoutP: dropoutP, isCausal: causal)
        let out = attended.permute([2, 0, 1, 3]).contiguous().view([bsz * tgtLen, width])
        return (outProj(out).view([-1, bsz, embedDim]), nil)
    }
}

extension Tensor {
    /// Splits dimension `dim` into `sizes`.
    public func unflatten(dim: Int, sizes: [Int]) -> Tensor { ATen.unflatten(self, dim: dim, sizes: sizes) }
}
