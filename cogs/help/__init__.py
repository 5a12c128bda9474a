"""``/help``: the commands a member can use here, or the details of one."""

from __future__ import annotations

from bot.core.commands import CommandSpec, Param, ParamKind, param_label
from bot.core.context import Context
from bot.core.feature import Feature, NoSettings, command
from bot.core.registry import Registry
from bot.core.richtext import RichText, bold, join_lines, text

HELP = CommandSpec(
    name="help",
    description="help.description",
    params=(Param("command", ParamKind.WORD, "help.param.command", required=False),),
    while_muted=True,
)


class Help(Feature[NoSettings]):
    """The command list, filtered by the member's level."""

    name = "help"

    @command(HELP)
    async def show_help(self, ctx: Context) -> None:
        registry = self.services.registry
        await ctx.reply(render_help(ctx, registry, ctx.args.get("command")), ephemeral=True)


def render_help(ctx: Context, registry: Registry, name: str | None) -> RichText:
    """The command list for the member's level, or one command in detail."""
    actor = ctx.event.actor
    level = actor.level if actor else None
    if name:
        registered = registry.commands.get(name.removeprefix("/").lower())
        if registered is None or (level is not None and registered.spec.level > level):
            return text(ctx.t("help.no_such_command", name=name))
        spec = registered.spec
        lines: list[RichText | str] = [
            text(bold(spec.usage(ctx.t)), " — ", ctx.t(spec.description))
        ]
        for param in spec.params:
            optional = "" if param.required else ctx.t("help.optional")
            lines.append(
                f"  {param_label(param.name, ctx.t)}{optional}: {ctx.t(param.description)}"
            )
        return join_lines(lines)
    specs = [s for s in registry.visible_commands() if level is None or s.level <= level]
    lines = [text(bold(ctx.t("help.title")))]
    for spec in specs:
        suffix = ""
        if spec.level > 0:
            suffix = " (" + ctx.t(f"level.{spec.level.name.lower()}") + ")"
        lines.append(text(spec.usage(ctx.t), " — ", ctx.t(spec.description), suffix))
    lines.append(ctx.t("help.footer"))
    return join_lines(lines)
