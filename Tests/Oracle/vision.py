"""torchvision 0.26 as the oracle of TorchVision: writes test images (PNG in RGB, RGBA, gray and
palette; JPEG in RGB and gray; a JPEG with an EXIF orientation tag), decodes each with
torchvision.io in every read mode, and runs the deterministic and the seeded random transforms
of transforms.v2 on one image; everything goes to DIR/oracle.safetensors. usage: vision.py DIR"""
import io
import sys

import torch
from PIL import Image
from safetensors.torch import save_file
from torchvision.io import ImageReadMode, decode_image, decode_jpeg, encode_jpeg, encode_png
from torchvision.transforms import v2

out_dir = sys.argv[1]
g = torch.Generator().manual_seed(0)
rgb = torch.randint(0, 256, (3, 37, 53), dtype=torch.uint8, generator=g)
smooth = torch.nn.functional.interpolate(rgb[None].float(), size=(37, 53), mode="bilinear")[0]
rgb = (smooth * 0.5 + torch.linspace(0, 120, 53)).clamp(0, 255).to(torch.uint8)
rgba = torch.cat([rgb, torch.randint(0, 256, (1, 37, 53), dtype=torch.uint8, generator=g)])
gray = rgb[:1].contiguous()


def write(name, data):
    with open(f"{out_dir}/{name}", "wb") as f:
        f.write(bytes(data))


write("rgb.png", encode_png(rgb).numpy())
Image.fromarray(rgba.permute(1, 2, 0).numpy(), "RGBA").save(f"{out_dir}/rgba.png")
write("gray.png", encode_png(gray).numpy())
Image.fromarray(rgb.permute(1, 2, 0).numpy()).convert("P", palette=Image.ADAPTIVE, colors=256).save(f"{out_dir}/palette.png")
write("rgb.jpg", encode_jpeg(rgb, quality=90).numpy())
write("gray.jpg", encode_jpeg(gray, quality=90).numpy())
exif = Image.Exif()
exif[0x0112] = 6
Image.fromarray(rgb.permute(1, 2, 0).numpy()).save(f"{out_dir}/exif6.jpg", quality=90, exif=exif)

results = {}
modes = {"unchanged": ImageReadMode.UNCHANGED, "gray": ImageReadMode.GRAY, "rgb": ImageReadMode.RGB, "rgba": ImageReadMode.RGB_ALPHA}
for name in ["rgb.png", "rgba.png", "gray.png", "palette.png", "rgb.jpg", "gray.jpg", "exif6.jpg"]:
    data = torch.frombuffer(bytearray(open(f"{out_dir}/{name}", "rb").read()), dtype=torch.uint8)
    for mode_name, mode in modes.items():
        if name.endswith(".jpg") and mode_name == "rgba":
            continue
        results[f"{name}/{mode_name}"] = decode_image(data, mode=mode).contiguous()
    if name == "exif6.jpg":
        results["exif6.jpg/upright"] = decode_jpeg(data, apply_exif_orientation=True).contiguous()

image = results["rgb.png/unchanged"]
floating = image.float() / 255
results["resize_short_float"] = v2.Resize(24)(floating)
results["resize_pair_uint8"] = v2.Resize([20, 30])(image)
results["resize_up_float"] = v2.Resize([60, 80])(floating)
results["resize_nearest_uint8"] = v2.Resize([19, 23], interpolation=v2.InterpolationMode.NEAREST)(image)
results["resize_bicubic_uint8"] = v2.Resize([20, 30], interpolation=v2.InterpolationMode.BICUBIC)(image)
results["center_crop"] = v2.CenterCrop(20)(image)
results["center_crop_padded"] = v2.CenterCrop([50, 60])(image)
for seed in range(4):
    torch.manual_seed(seed)
    results[f"random_crop_{seed}"] = v2.RandomCrop(24, padding=4)(image)
    torch.manual_seed(seed)
    results[f"random_crop_edge_{seed}"] = v2.RandomCrop([40, 60], pad_if_needed=True, padding_mode="edge")(image)
    torch.manual_seed(seed)
    results[f"hflip_{seed}"] = v2.RandomHorizontalFlip()(image)
    torch.manual_seed(seed)
    results[f"random_resized_crop_{seed}"] = v2.RandomResizedCrop(24)(image)
    torch.manual_seed(seed)
    results[f"color_jitter_{seed}"] = v2.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)(image)
    torch.manual_seed(seed)
    results[f"color_jitter_float_{seed}"] = v2.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4)(floating)
    torch.manual_seed(seed)
    results[f"random_erasing_{seed}"] = v2.RandomErasing(p=0.9)(image)
    torch.manual_seed(seed)
    results[f"random_erasing_noise_{seed}"] = v2.RandomErasing(p=0.9, value="random")(floating)
batch = torch.stack([floating, floating.flip(-1), floating.flip(-2), 1 - floating])
batch_labels = torch.tensor([0, 3, 1, 2])
for seed in range(3):
    torch.manual_seed(seed)
    results[f"mixup_{seed}/images"], results[f"mixup_{seed}/labels"] = v2.MixUp(num_classes=5)(batch, batch_labels)
    torch.manual_seed(seed)
    results[f"cutmix_{seed}/images"], results[f"cutmix_{seed}/labels"] = v2.CutMix(alpha=0.7, num_classes=5)(batch, batch_labels)
for seed in range(3):
    torch.manual_seed(seed)
    results[f"rotation_{seed}"] = v2.RandomRotation(40)(image)
    torch.manual_seed(seed)
    results[f"rotation_bilinear_{seed}"] = v2.RandomRotation(40, interpolation=v2.InterpolationMode.BILINEAR, fill=[10, 20, 30])(floating)
    torch.manual_seed(seed)
    results[f"rotation_expand_{seed}"] = v2.RandomRotation(70, expand=True)(image)
for seed in range(40):
    torch.manual_seed(seed)
    results[f"trivial_{seed}"] = v2.TrivialAugmentWide()(image)
    torch.manual_seed(seed)
    results[f"trivial_float_{seed}"] = v2.TrivialAugmentWide()(floating)
for seed in range(20):
    torch.manual_seed(seed)
    results[f"randaugment_{seed}"] = v2.RandAugment()(image)
results["grayscale"] = v2.Grayscale()(image)
results["grayscale3"] = v2.Grayscale(num_output_channels=3)(image)
results["to_uint8"] = v2.ToDtype(torch.uint8, scale=True)(floating)
results["normalize"] = v2.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])(floating)
results["to_float"] = v2.ToDtype(torch.float32, scale=True)(image)
save_file({k: v.contiguous().clone() for k, v in results.items()}, f"{out_dir}/oracle.safetensors")
print(len(results))
