using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScimProvisioning.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AuditResourceIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AuditEvents_AccountId_ResourceId",
                table: "AuditEvents",
                columns: new[] { "AccountId", "ResourceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEvents_AccountId_ResourceId",
                table: "AuditEvents");
        }
    }
}
