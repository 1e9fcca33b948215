/**
 * FrEIA's invertible-autoencoder layers (Teng, Choromanska and Bojarski, "Invertible Autoencoder for Domain
 * Adaptation", 2018): {@link dev.jinn.flow.invauto.InvAutoFC} and {@link dev.jinn.flow.invauto.InvAutoConv2D}, a
 * linear map whose reverse is its transpose. They are invertible only asymptotically, when training (with a
 * reconstruction loss) has made the weight orthogonal; their log-det is reported as 0, as FrEIA does. The
 * activations of the family ({@code InvAutoAct}, {@code InvAutoActFixed}, {@code InvAutoActTwoSided}) are exactly
 * invertible and live in {@code dev.jinn.flow.elementwise}.
 */
package dev.jinn.flow.invauto;
