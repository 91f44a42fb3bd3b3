cd /tmp/u8l
for r in 1 2; do
echo "== old $r"; /tmp/nt-old/asnet_kernel_bench 9 layers activeshift_0.f32:48x28x28 activeshift_1.f32:48x28x28 activeshift_2.f32:48x28x28 activeshift_3.f32:96x28x28/2 activeshift_4.f32:96x14x14 activeshift_5.f32:96x14x14 activeshift_6.f32:192x14x14/2 activeshift_7.f32:192x7x7 activeshift_8.f32:192x7x7 | tail -10
echo "== new $r"; /tmp/nt/asnet_kernel_bench 9 layers activeshift_0.f32:48x28x28 activeshift_1.f32:48x28x28 activeshift_2.f32:48x28x28 activeshift_3.f32:96x28x28/2 activeshift_4.f32:96x14x14 activeshift_5.f32:96x14x14 activeshift_6.f32:192x14x14/2 activeshift_7.f32:192x7x7 activeshift_8.f32:192x7x7 | tail -10
done
