import Torch

/// A residual block of two 3x3 convolutions (torchvision's `BasicBlock`, ResNet-18 and -34).
public final class BasicBlock: Module {
    /// How many times its width its output is.
    public static let expansion = 1
    let conv1: Conv2d, bn1: BatchNorm2d, relu = ReLU(), conv2: Conv2d, bn2: BatchNorm2d
    let downsample: Sequential?

    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) {
        conv1 = Conv2d(inplanes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false)
        bn2 = BatchNorm2d(planes)
        self.downsample = downsample
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let out = bn2(conv2(relu(bn1(conv1(x)))))
        return relu(out + (downsample?(x) ?? x))
    }
}

/// A residual block of 1x1, 3x3 and 1x1 convolutions, the stride on the 3x3 (torchvision's
/// `Bottleneck`, ResNet-50 and deeper).
public final class Bottleneck: Module {
    public static let expansion = 4
    let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d, conv3: Conv2d, bn3: BatchNorm2d
    let relu = ReLU()
    let downsample: Sequential?

    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) {
        conv1 = Conv2d(inplanes, planes, kernelSize: 1, bias: false)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false)
        bn2 = BatchNorm2d(planes)
        conv3 = Conv2d(planes, planes * Self.expansion, kernelSize: 1, bias: false)
        bn3 = BatchNorm2d(planes * Self.expansion)
        self.downsample = downsample
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let out = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))
        return relu(out + (downsample?(x) ?? x))
    }
}

/// torchvision's ResNet, with its module names, state-dict keys and initialisation, so a
/// `torchvision.models.resnet50()` state dict saved in Python loads here and gives equal outputs.
public final class ResNet: Module {
    /// The block kind and how many of each of the four stages.
    public enum Block: Sendable { case basic, bottleneck }

    /// The stem; CIFAR-sized inputs replace it with a 3x3 convolution of stride 1 and drop `maxpool`.
    public var conv1: Conv2d
    public var maxpool: Module = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
    let bn1: BatchNorm2d, relu = ReLU()
    let layer1: Sequential, layer2: Sequential, layer3: Sequential, layer4: Sequential
    let avgpool = AdaptiveAvgPool2d([1, 1])
    /// The classifier; replace it (or its output size) to fine-tune on other classes.
    public let fc: Linear

    /// `layers` blocks per stage; `zeroInitResidual` starts each block's last batch norm at 0.
    public init(_ block: Block, layers: [Int], numClasses: Int = 1000, zeroInitResidual: Bool = false) {
        let expansion = block == .basic ? BasicBlock.expansion : Bottleneck.expansion
        var inplanes = 64
        func stage(_ planes: Int, _ blocks: Int, stride: Int) -> Sequential {
            let downsample = stride != 1 || inplanes != planes * expansion
                ? Sequential { Conv2d(inplanes, planes * expansion, kernelSize: 1, stride: stride, bias: false); BatchNorm2d(planes * expansion) }
                : nil
            var modules: [Module] = []
            for index in 0..<blocks {
                let (input, s, down) = index == 0 ? (inplanes, stride, downsample) : (planes * expansion, 1, nil)
                modules.append(block == .basic ? BasicBlock(input, planes, stride: s, downsample: down)
                                               : Bottleneck(input, planes, stride: s, downsample: down))
            }
            inplanes = planes * expansion
            return Sequential(modules)
        }
        conv1 = Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false)
        bn1 = BatchNorm2d(64)
        layer1 = stage(64, layers[0], stride: 1)
        layer2 = stage(128, layers[1], stride: 2)
        layer3 = stage(256, layers[2], stride: 2)
        layer4 = stage(512, layers[3], stride: 2)
        fc = Linear(512 * expansion, numClasses)
        super.init()
        withNoGrad {
            for module in modules() {
                if let conv = module as? Conv2d { Init.kaimingNormal_(conv.weight, mode: .fanOut, nonlinearity: "relu") }
                if let norm = module as? BatchNorm2d {
                    _ = norm.weight?.fill_(1)
                    _ = norm.bias?.zero_()
                }
            }
            guard zeroInitResidual else { return }
            for module in modules() {
                _ = (module as? BasicBlock)?.bn2.weight?.zero_()
                _ = (module as? Bottleneck)?.bn3.weight?.zero_()
            }
        }
    }

    /// The features before the classifier, `[N, 512 * expansion]`.
    public func features(_ x: Tensor) -> Tensor {
        let stem = maxpool(relu(bn1(conv1(x))))
        return avgpool(layer4(layer3(layer2(layer1(stem))))).flatten(startDim: 1)
    }

    public override func forward(_ x: Tensor) -> Tensor { fc(features(x)) }
}

/// ResNet-18 (torchvision's `resnet18`).
public func resnet18(numClasses: Int = 1000) -> ResNet { ResNet(.basic, layers: [2, 2, 2, 2], numClasses: numClasses) }
/// ResNet-34 (torchvision's `resnet34`).
public func resnet34(numClasses: Int = 1000) -> ResNet { ResNet(.basic, layers: [3, 4, 6, 3], numClasses: numClasses) }
/// ResNet-50 (torchvision's `resnet50`).
public func resnet50(numClasses: Int = 1000) -> ResNet { ResNet(.bottleneck, layers: [3, 4, 6, 3], numClasses: numClasses) }
/// ResNet-101 (torchvision's `resnet101`).
public func resnet101(numClasses: Int = 1000) -> ResNet { ResNet(.bottleneck, layers: [3, 4, 23, 3], numClasses: numClasses) }
