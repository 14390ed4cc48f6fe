using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScimProvisioning.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class UserMultiValues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExtraAttributesJson",
                table: "Users");

            migrationBuilder.CreateTable(
                name: "UserMultiValue",
                columns: table => new
                {
                    Key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserKey = table.Column<long>(type: "INTEGER", nullable: false),
                    Attribute = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: true),
                    ValueKey = table.Column<string>(type: "TEXT", nullable: true),
                    Type = table.Column<string>(type: "TEXT", nullable: true),
                    Display = table.Column<string>(type: "TEXT", nullable: true),
                    Primary = table.Column<bool>(type: "INTEGER", nullable: false),
                    Formatted = table.Column<string>(type: "TEXT", nullable: true),
                    StreetAddress = table.Column<string>(type: "TEXT", nullable: true),
                    Locality = table.Column<string>(type: "TEXT", nullable: true),
                    Region = table.Column<string>(type: "TEXT", nullable: true),
                    PostalCode = table.Column<string>(type: "TEXT", nullable: true),
                    Country = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserMultiValue", x => x.Key);
                    table.ForeignKey(
                        name: "FK_UserMultiValue_Users_UserKey",
                        column: x => x.UserKey,
                        principalTable: "Users",
                        principalColumn: "Key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UserMultiValue_Attribute_ValueKey",
                table: "UserMultiValue",
                columns: new[] { "Attribute", "ValueKey" });

            migrationBuilder.CreateIndex(
                name: "IX_UserMultiValue_UserKey_Attribute",
                table: "UserMultiValue",
                columns: new[] { "UserKey", "Attribute" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UserMultiValue");

            migrationBuilder.AddColumn<string>(
                name: "ExtraAttributesJson",
                table: "Users",
                type: "TEXT",
                nullable: true);
        }
    }
}
