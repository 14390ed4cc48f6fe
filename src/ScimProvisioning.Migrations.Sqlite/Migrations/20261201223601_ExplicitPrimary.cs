using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScimProvisioning.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ExplicitPrimary : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "PrimarySent",
                table: "UserMultiValue",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "PrimarySent",
                table: "UserEmails",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PrimarySent",
                table: "UserMultiValue");

            migrationBuilder.DropColumn(
                name: "PrimarySent",
                table: "UserEmails");
        }
    }
}
