// Manual optimization and a custom callback: a GAN learns a ring of eight Gaussians, stepping
// its discriminator and generator itself; RingQuality reports after each epoch how well the
// samples cover the ring. `swift run -c release example-gan fit`.
import ExampleSupport
import LightningCLI

LightningCLI(RingGAN.self, RingDataModule.self, trainerDefaults: ["max_epochs": 10], callbacks: { [RingQuality()] }).main()
