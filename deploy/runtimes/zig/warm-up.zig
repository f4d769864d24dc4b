// Built once in the image to fill Zig's global cache (see the Dockerfile).
const std = @import("std");

pub fn main() !void {
    var gpa = std.heap.GeneralPurposeAllocator(.{}){};
    defer _ = gpa.deinit();
    const allocator = gpa.allocator();
    const out = std.io.getStdOut().writer();
    const input = try std.io.getStdIn().reader().readAllAlloc(allocator, 1 << 20);
    defer allocator.free(input);
    var args = try std.process.argsWithAllocator(allocator);
    defer args.deinit();
    while (args.next()) |arg| try out.print("{s} ", .{arg});
    var list = std.ArrayList(u64).init(allocator);
    defer list.deinit();
    try list.append(@as(u64, input.len));
    try out.print("{d} {s}\n", .{ list.items[0], input });
}
