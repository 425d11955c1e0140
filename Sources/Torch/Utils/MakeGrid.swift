import Foundation

/// Images `(B, C, H, W)` tiled into one `(3, H', W')` grid, `nrow` per row with `padding`
/// pixels of `padValue` around each (`torchvision.utils.make_grid`): one-channel images become
/// three; with `normalize`, values are shifted and scaled to [0, 1] by the batch's min and max.
public func makeGrid(_ images: Tensor, nrow: Int = 8, padding: Int = 2, normalize: Bool = false, padValue: Double = 0) -> Tensor {
    var batch = images.dim == 3 ? images.unsqueeze(0) : images
    if batch.dim != 4 {
        argumentError("makeGrid", "expects images of shape (B, C, H, W) or (C, H, W), got \(images.shape)")
        return images
    }
    if batch.size(1) == 1 { batch = Tensor.cat([batch, batch, batch], dim: 1) }
    if normalize {
        batch = batch.clone()
        let (low, high): (Double, Double) = (batch.min().item(), batch.max().item())
        _ = batch.clamp_(min: low, max: high)
        batch = (batch - low) / Swift.max(high - low, 1e-5)
    }
    let count = batch.size(0)
    if count == 1 { return batch.squeeze(dim: 0) }
    let perRow = Swift.min(nrow, count), rows = (count + perRow - 1) / perRow
    let (height, width) = (batch.size(2) + padding, batch.size(3) + padding)
    let grid = Tensor.full([batch.size(1), height * rows + padding, width * perRow + padding], padValue, dtype: batch.dtype,
                           device: batch.device)
    withNoGrad {
        for k in 0..<count {
            let (y, x) = (k / perRow, k % perRow)
            _ = grid.narrow(dim: 1, start: y * height + padding, length: height - padding)
                .narrow(dim: 2, start: x * width + padding, length: width - padding).copy_(batch[k])
        }
    }
    return grid
}
